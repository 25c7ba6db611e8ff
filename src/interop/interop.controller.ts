import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/access.decorators.js';
import { notFound } from '../common/errors/lotse.error.js';
import { FormsService } from '../forms/forms.service.js';
import { xdatenfelderExportOf } from './xdf/xdf-export.js';

@Controller()
export class InteropController {
  constructor(private readonly forms: FormsService) {}

  /** GET /forms/{id}/{version}/xdatenfelder.xml: a published form that came from FIM, as XDatenfelder 2.0. */
  @Public()
  @Get('forms/:id/:version/xdatenfelder.xml')
  async xdatenfelder(@Param('id') id: string, @Param('version') version: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const exported = xdatenfelderExportOf(await this.forms.viewable(id, version));
    reply.header('content-type', 'application/xml; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${exported.fileName}"`);
    return exported.xml;
  }

  /** GET /forms/{id}/{version}/codelisten/{file}: the genericode lists that go with the XDatenfelder export. */
  @Public()
  @Get('forms/:id/:version/codelisten/:file')
  async codeList(@Param('id') id: string, @Param('version') version: string, @Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const exported = xdatenfelderExportOf(await this.forms.viewable(id, version));
    const list = exported.codeLists.find((c) => c.fileName === file);
    if (!list) throw notFound('Diese Codeliste gehört nicht zum XDatenfelder-Export des Formulars.');
    reply.header('content-type', 'application/xml; charset=utf-8');
    return list.xml;
  }
}
