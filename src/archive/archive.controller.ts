import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission } from '../common/auth/access.decorators.js';
import { Permission } from '../common/auth/permission.js';
import type { AuthState, Principal } from '../common/auth/access.guard.js';
import { badUserInput } from '../common/errors/lotse.error.js';
import { ArchiveApiService } from './archive-api.service.js';
import { retentionCsv } from './retention-overview.js';

/** GET /retention.csv?organisationId=…[&asOf=YYYY-MM-DD] with the same bearer token as the API. */
@Controller()
export class ArchiveController {
  constructor(private readonly archive: ArchiveApiService) {}

  @RequirePermission(Permission.ARCHIVE_MANAGE)
  @Get('retention.csv')
  async csv(
    @Req() request: FastifyRequest & AuthState,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('organisationId') organisationId?: string,
    @Query('asOf') asOf?: string,
  ): Promise<string> {
    if (!organisationId) throw badUserInput('Bitte organisationId angeben.');
    const overview = await this.archive.overview(request.principal as Principal, organisationId, asOf);
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="aufbewahrung-${overview.organisationId}-${overview.asOf}.csv"`);
    return retentionCsv(overview);
  }
}
