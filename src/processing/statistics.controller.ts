import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission } from '../common/auth/access.decorators.js';
import { Permission } from '../common/auth/permission.js';
import type { AuthState, Principal } from '../common/auth/access.guard.js';
import { badUserInput } from '../common/errors/lotse.error.js';
import { statisticsCsv, StatisticsService } from './statistics.service.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** GET /statistics.csv?organisationId=…&from=YYYY-MM-DD&to=YYYY-MM-DD with the same bearer token as the API. */
@Controller()
export class StatisticsController {
  constructor(private readonly stats: StatisticsService) {}

  @RequirePermission(Permission.STATISTICS_READ)
  @Get('statistics.csv')
  async csv(
    @Req() request: FastifyRequest & AuthState,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('organisationId') organisationId?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ): Promise<string> {
    if (!organisationId || !from || !to || !DATE.test(from) || !DATE.test(to)) {
      throw badUserInput('Bitte organisationId, from und to (JJJJ-MM-TT) angeben.');
    }
    const stats = await this.stats.statistics(request.principal as Principal, organisationId, from, to);
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="kennzahlen-${organisationId}-${from}-${to}.csv"`);
    return statisticsCsv(stats);
  }
}
