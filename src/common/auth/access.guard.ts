import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ErrorCode } from '../errors/error-code.js';
import { LotseError } from '../errors/lotse.error.js';
import { ACCESS_METADATA, type AccessRule } from './access.decorators.js';
import type { Permission } from './permission.js';
import type { AccountTrustLevel } from '../../auth/trust-level.js';

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

/** A signed-in citizen: the account is (issuer, subject). */
export interface CitizenPrincipal {
  issuer: string;
  subject: string;
  trustLevel: AccountTrustLevel;
}

/** What the request carries: a staff principal or a citizen, or the reason its token was refused. */
export interface AuthState {
  principal?: Principal;
  citizen?: CitizenPrincipal;
  authError?: Error;
  /** The bearer token claimed the citizen issuer (set also when it was refused). */
  citizenToken?: boolean;
}

/**
 * The citizen of a public field that works with and without an account (submitForm, saveDraft): undefined when
 * anonymous or with a staff token; a refused citizen token fails the field (it must not be taken as anonymous).
 */
export function optionalCitizen(state: AuthState): CitizenPrincipal | undefined {
  if (state.citizenToken && state.authError) throw state.authError;
  return state.citizen;
}

/**
 * Deny by default: a handler without `@Public()`, `@RequireCitizen()` or `@RequirePermission()` is refused, a
 * permission without a staff principal holding it is refused (a citizen token: FORBIDDEN), a citizen field without a
 * citizen is refused (a staff token: FORBIDDEN).
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
    const { principal, citizen, authError } = this.authOf(context);
    if (authError) throw authError;
    if (rule.kind === 'citizen') {
      if (citizen) return true;
      if (principal) throw new LotseError(ErrorCode.FORBIDDEN, 'Dieses Feld ist für angemeldete Bürgerinnen und Bürger; Mitarbeitertokens gelten hier nicht.');
      throw new LotseError(ErrorCode.UNAUTHENTICATED, 'Bitte melden Sie sich mit Ihrem Nutzerkonto (z. B. BundID) an.');
    }
    if (citizen) throw new LotseError(ErrorCode.FORBIDDEN, 'Dieses Feld ist Mitarbeiterinnen und Mitarbeitern der Verwaltung vorbehalten.');
    if (!principal) throw new LotseError(ErrorCode.UNAUTHENTICATED);
    if (!principal.permissions.has(rule.permission)) throw new LotseError(ErrorCode.FORBIDDEN);
    return true;
  }

  private authOf(context: ExecutionContext): AuthState {
    if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext<AuthState>();
    return context.switchToHttp().getRequest<AuthState>();
  }
}
