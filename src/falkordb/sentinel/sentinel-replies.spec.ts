import { isPrimaryRole, parseMasterAddress, parseSwitchMaster } from './sentinel-replies';

describe('sentinel replies', () => {
  it('reads GET-MASTER-ADDR-BY-NAME as host and port, and nothing else', () => {
    expect(parseMasterAddress(['127.0.0.1', '6380'])).toEqual({ host: '127.0.0.1', port: 6380 });
    expect(parseMasterAddress(null)).toBeUndefined();
    expect(parseMasterAddress([])).toBeUndefined();
    expect(parseMasterAddress(['127.0.0.1', 'not-a-port'])).toBeUndefined();
    expect(parseMasterAddress(['127.0.0.1', '70000'])).toBeUndefined();
  });

  it('takes only `master` in a ROLE reply as primary', () => {
    expect(isPrimaryRole(['master', 1234, []])).toBe(true);
    expect(isPrimaryRole(['slave', '127.0.0.1', 6379, 'connected', 1234])).toBe(false);
    expect(isPrimaryRole(['sentinel', ['pat-primary']])).toBe(false);
    expect(isPrimaryRole('OK')).toBe(false);
  });

  it('reads a +switch-master message', () => {
    expect(parseSwitchMaster('pat-primary 127.0.0.1 6379 127.0.0.1 6380')).toEqual({
      masterName: 'pat-primary',
      from: { host: '127.0.0.1', port: 6379 },
      to: { host: '127.0.0.1', port: 6380 },
    });
    expect(parseSwitchMaster('pat-primary 127.0.0.1 6379')).toBeUndefined();
    expect(parseSwitchMaster('pat-primary a b c d')).toBeUndefined();
  });
});
