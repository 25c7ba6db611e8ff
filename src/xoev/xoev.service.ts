import { Injectable } from '@nestjs/common';
import { FormsService } from '../forms/forms.service.js';
import { formXsd } from './form-xsd.js';

/** XÖV artefacts of forms (the message export per submission follows). */
@Injectable()
export class XoevService {
  private readonly xsdCache = new Map<string, string>();

  constructor(private readonly forms: FormsService) {}

  /** The XSD of a published (or retired) form version; deterministic, so cached by version. */
  async formXsd(formId: string, version: string): Promise<string> {
    const form = await this.forms.viewable(formId, version);
    let xsd = this.xsdCache.get(form.id);
    if (!xsd) {
      xsd = formXsd(form.formId, form.version, form.publishedSchema);
      this.xsdCache.set(form.id, xsd);
    }
    return xsd;
  }
}
