import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/access.decorators.js';
import { XoevService } from './xoev.service.js';

@Controller('forms')
export class XoevController {
  constructor(private readonly xoev: XoevService) {}

  /** GET /forms/{id}/{version}/schema.xsd */
  @Public()
  @Get(':id/:version/schema.xsd')
  async schema(@Param('id') id: string, @Param('version') version: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const xsd = await this.xoev.formXsd(id, version);
    reply.header('content-type', 'application/xml; charset=utf-8');
    return xsd;
  }
}
