import { sameHost } from '../server-address';
import { sendOnce } from './one-shot-command';
import { isPrimaryRole, parseMasterAddress } from './sentinel-replies';
import { Credentials, describeAddress, HostAndPort } from './sentinel-options';
import { errorMessage } from '../../common/error-message';

export interface FindPrimaryOptions {
  /** Asked in this order. */
  sentinels: readonly HostAndPort[];
  masterName: string;
  sentinelCredentials?: Credentials;
  dataCredentials?: Credentials;
  requestTimeoutMs: number;
}

export interface FoundPrimary {
  primary: HostAndPort;
  /** The sentinel that named it (worth asking first next time). */
  sentinel: HostAndPort;
}

/** No sentinel named a data server that confirmed being the primary; the message says what each one said. */
export class PrimaryNotFoundError extends Error {
  constructor(
    readonly masterName: string,
    readonly attempts: readonly string[],
  ) {
    super(`No primary found for "${masterName}": ${attempts.join('; ')}`);
    this.name = 'PrimaryNotFoundError';
  }
}

export const sameAddress = (a: HostAndPort | undefined, b: HostAndPort | undefined): boolean =>
  a !== undefined && b !== undefined && a.port === b.port && sameHost(a.host, b.host);

/** True when the server at `address` answers ROLE as master (as the data user), within the timeout. */
export async function confirmsPrimary(address: HostAndPort, credentials: Credentials | undefined, timeoutMs: number): Promise<boolean> {
  try {
    return isPrimaryRole(await sendOnce(address, ['ROLE'], credentials, timeoutMs));
  } catch {
    return false;
  }
}

/**
 * Asks the sentinels in turn which server is the primary, and believes an answer only once that
 * server says so itself (ROLE): during a failover a sentinel may still name the old primary (dead,
 * or already demoted), and the next sentinel may already know the promoted one.
 */
export async function findPrimary(options: FindPrimaryOptions): Promise<FoundPrimary> {
  const { masterName, requestTimeoutMs } = options;
  const attempts: string[] = [];
  const rejected: HostAndPort[] = [];
  for (const sentinel of options.sentinels) {
    const where = `sentinel ${describeAddress(sentinel)}`;
    let named: HostAndPort | undefined;
    try {
      const reply = await sendOnce(sentinel, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName], options.sentinelCredentials, requestTimeoutMs);
      named = parseMasterAddress(reply);
      if (!named) {
        attempts.push(`${where} does not monitor it`);
        continue;
      }
    } catch (error) {
      attempts.push(`${where} did not answer (${errorMessage(error)})`);
      continue;
    }
    if (rejected.some((address) => sameAddress(address, named))) {
      attempts.push(`${where} named ${describeAddress(named)} too`);
      continue;
    }
    if (await confirmsPrimary(named, options.dataCredentials, requestTimeoutMs)) return { primary: named, sentinel };
    rejected.push(named);
    attempts.push(`${where} named ${describeAddress(named)}, which does not answer ROLE as master`);
  }
  throw new PrimaryNotFoundError(masterName, attempts);
}
