import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Principal } from '../../domain/principal';

/** The authenticated caller (set by JwtAuthGuard). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<{ user: Principal }>().user,
);
