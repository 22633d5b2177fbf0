import { SetMetadata } from '@nestjs/common';
import { Role } from '../../domain/role';
import { ROLES_KEY } from '../metadata-keys';

/** Restricts a route to callers whose FalkorDB role is one of `roles` (checked by RolesGuard). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
