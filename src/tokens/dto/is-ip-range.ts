import { registerDecorator, ValidationOptions } from 'class-validator';
import { canonicalIpRange } from '../../credentials/allowed-ips';

/** Every entry is an IPv4/IPv6 address or a CIDR range (`10.0.0.0/8`, `2001:db8::/32`). */
export function IsIpRangeList(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIpRangeList',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} entries must be IP addresses or CIDR ranges, e.g. 203.0.113.7 or 10.0.0.0/8`, ...options },
      validator: {
        validate: (value: unknown) => Array.isArray(value) && value.every((entry) => typeof entry === 'string' && canonicalIpRange(entry) !== undefined),
      },
    });
}
