import { ForbiddenError } from '../common/domain-errors';
import { GraphNotFoundError } from './query-errors';
import { principalWith } from '../../test/support/principal';
import { assertMayDeleteGraphs, assertReachable, readOnlyReasonOf } from './graph-access';

const caller = principalWith;

describe('Graph API access policy', () => {
  it('answers a graph outside the token\'s own graphs exactly as a missing one', () => {
    expect(() => assertReachable(caller(), 'anything')).not.toThrow();
    const limited = caller({ graphs: ['sales_*', 'social'] });
    expect(() => assertReachable(limited, 'sales_eu')).not.toThrow();
    expect(() => assertReachable(limited, 'social')).not.toThrow();
    expect(() => assertReachable(limited, 'socialite')).toThrow(GraphNotFoundError);
    expect(() => assertReachable(limited, 'hr')).toThrow(new GraphNotFoundError('hr'));
  });

  it('runs read-only for a Read-Only user, a read token, or when asked, naming why', () => {
    expect(readOnlyReasonOf(caller(), false)).toBeUndefined();
    expect(readOnlyReasonOf(caller(), true)).toBe('request');
    expect(readOnlyReasonOf(caller({ access: 'read' }), false)).toBe('token');
    // The role comes first: a Read-Only user's token is read-only whatever else it says.
    expect(readOnlyReasonOf(caller({ role: 'Read-Only', access: 'read' }), true)).toBe('role');
  });

  it('never lets a read token delete a graph', () => {
    expect(() => assertMayDeleteGraphs(caller())).not.toThrow();
    expect(() => assertMayDeleteGraphs(caller({ access: 'read' }))).toThrow(ForbiddenError);
  });
});
