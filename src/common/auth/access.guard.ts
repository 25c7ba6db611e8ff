import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ErrorCode } from '../errors/error-code.js';
import { LotseError } from '../errors/lotse.error.js';
import { ACCESS_METADATA, type AccessRule } from './access.decorators.js';
import type { Permission } from './permission.js';

/** The authenticated caller, once authentication exists. */
export interface Principal {
  subject: string;
  name?: string;
  /** The role of the token (EDITOR, CASEWORKER, SUPERVISOR, ADMIN). */
  role?: string;
  /** The organisation the role is bound to (the county, a municipality or a unit). */
  organisationId?: string;
  permissions: ReadonlySet<Permission>;
}

/** What the request carries: a principal, or the reason its token was refused. */
export interface AuthState {
  principal?: Principal;
  authError?: Error;
}

/**
 * Deny by default: a handler without `@Public()` or `@RequirePermission()` is refused,
 * a permission without a principal holding it is refused.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no access rule`);
      throw new LotseError(ErrorCode.FORBIDDEN);
    }
    if (rule.kind === 'public') return true;
    const { principal, authError } = this.authOf(context);
    if (authError) throw authError;
    if (!principal) throw new LotseError(ErrorCode.UNAUTHENTICATED);
    if (!principal.permissions.has(rule.permission)) throw new LotseError(ErrorCode.FORBIDDEN);
    return true;
  }

  private authOf(context: ExecutionContext): AuthState {
    if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext<AuthState>();
    return context.switchToHttp().getRequest<AuthState>();
  }
}
