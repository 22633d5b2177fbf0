import { BadRequestException, ForbiddenException, GatewayTimeoutException, HttpException, InternalServerErrorException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { graphQueryOutcomeOf } from './graph-query-outcome';

describe('graphQueryOutcomeOf', () => {
  it.each([
    [new ForbiddenException(), 'forbidden'],
    [new GatewayTimeoutException(), 'timeout'],
    [new HttpException('busy', 429), 'refused'],
    [new ServiceUnavailableException(), 'refused'],
    [new BadRequestException(), 'client_error'],
    [new NotFoundException(), 'client_error'],
    [new InternalServerErrorException(), 'error'],
    [new Error('not an HTTP error'), 'error'],
  ])('%s -> %s', (error, expected) => {
    expect(graphQueryOutcomeOf(error)).toBe(expected);
  });
});
