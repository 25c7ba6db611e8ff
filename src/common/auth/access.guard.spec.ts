import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';
import { Public, RequirePermission } from './access.decorators.js';
import { AccessGuard, type Principal } from './access.guard.js';
import { Permission } from './permission.js';
import { LotseError } from '../errors/lotse.error.js';

class Handlers {
  @Public()
  open() {}

  @RequirePermission(Permission.SUBMISSION_READ)
  guarded() {}

  forgotten() {}
}

function httpContext(handler: keyof Handlers, principal?: Principal): ExecutionContext {
  return {
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ principal }) }),
  } as unknown as ExecutionContext;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof LotseError ? error.code : 'OTHER';
  }
}

describe('AccessGuard', () => {
  const guard = new AccessGuard(new Reflector());

  it('lets anyone call a @Public() handler', () => {
    expect(guard.canActivate(httpContext('open'))).toBe(true);
  });

  it('asks for a login when a permission is required and nobody is logged in', () => {
    expect(codeOf(() => guard.canActivate(httpContext('guarded')))).toBe('UNAUTHENTICATED');
  });

  it('checks the permission of the caller', () => {
    const reader: Principal = { subject: 'a', permissions: new Set([Permission.SUBMISSION_READ]) };
    const other: Principal = { subject: 'b', permissions: new Set([Permission.CATALOG_EDIT]) };
    expect(guard.canActivate(httpContext('guarded', reader))).toBe(true);
    expect(codeOf(() => guard.canActivate(httpContext('guarded', other)))).toBe('FORBIDDEN');
  });

  it('denies a handler that declares no rule at all', () => {
    expect(codeOf(() => guard.canActivate(httpContext('forgotten')))).toBe('FORBIDDEN');
  });
});
