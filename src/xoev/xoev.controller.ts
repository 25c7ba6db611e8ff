import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, RequirePermission } from '../common/auth/access.decorators.js';
import { Permission } from '../common/auth/permission.js';
import type { AuthState, Principal } from '../common/auth/access.guard.js';
import { CasesService } from '../processing/cases.service.js';
import { XoevService } from './xoev.service.js';

@Controller()
export class XoevController {
  constructor(
    private readonly xoev: XoevService,
    private readonly cases: CasesService,
  ) {}

  /** GET /forms/{id}/{version}/schema.xsd */
  @Public()
  @Get('forms/:id/:version/schema.xsd')
  async schema(@Param('id') id: string, @Param('version') version: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const xsd = await this.xoev.formXsd(id, version);
    reply.header('content-type', 'application/xml; charset=utf-8');
    return xsd;
  }

  /** GET /submissions/{id}/xoev.xml with the caseworker's bearer token. */
  @RequirePermission(Permission.SUBMISSION_READ)
  @Get('submissions/:id/xoev.xml')
  async message(@Param('id') id: string, @Req() request: FastifyRequest & AuthState, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const exported = await this.xoev.export(await this.cases.entity(request.principal as Principal, id));
    reply.header('content-type', 'application/xml; charset=utf-8');
    reply.header('x-lotse-sha512', exported.metadata.hash.content);
    return exported.xml;
  }
}
