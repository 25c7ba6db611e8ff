import type { EntityManager } from '@mikro-orm/postgresql';
import { OrganisationEntity } from '../catalog/entities/organisation.entity.js';
import { ServiceEntity } from '../catalog/entities/service.entity.js';
import type { FormSchemaNode, FormVersionFile } from '../forms/form.types.js';

/** How an imported form routes its submissions, and why (for the import report). */
export interface RoutingDecision {
  agsField?: string;
  organisation?: string;
  /** German. */
  message: string;
}

/** Labels that name the municipality key (AGS) of a place, as FIM fields call it. */
const AGS_LABEL = /gemeindeschl(?:ü|ue)ssel|regionalschl(?:ü|ue)ssel|\bAGS\b|\bARS\b/i;

/**
 * The first text field (not inside a list) whose label or name says it holds a municipality key: submissions can be
 * routed by its value. Undefined when there is none.
 */
export function agsFieldOf(schema: FormSchemaNode): string | undefined {
  const visit = (node: FormSchemaNode, pointer: string): string | undefined => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (typeof child !== 'object' || child === null) continue;
      const here = `${pointer}/${key}`;
      const label = child['x-label']?.de ?? '';
      if (child.type === 'string' && AGS_LABEL.test(label)) return here;
      if (child.type === 'object') {
        const inner = visit(child, here);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  return visit(schema, '');
}

/**
 * The routing of a form that a municipality imports for a municipal service: by the form's AGS field where it has
 * one, else to the importing municipality itself (`routing.organisation`), because without either the submissions
 * would go to the county. Other cases (county services, imports by the county or its units, no service yet) keep
 * the catalog's routing and get no decision.
 */
export async function routingFor(em: EntityManager, form: FormVersionFile, organisationId: string, serviceId: string | undefined): Promise<{ form: FormVersionFile; decision?: RoutingDecision }> {
  if (!serviceId) return { form };
  const [service, organisation] = await Promise.all([
    em.findOne(ServiceEntity, { id: serviceId, removed: false }),
    em.findOne(OrganisationEntity, { id: organisationId }),
  ]);
  if (!service || service.responsibilityLevel !== 'MUNICIPALITY' || organisation?.kind !== 'MUNICIPALITY') return { form };
  const agsField = agsFieldOf(form.schema as FormSchemaNode);
  if (agsField) {
    return {
      form: { ...form, routing: { agsField } },
      decision: { agsField, message: `Anträge werden über das Feld „${agsField}“ (Gemeindeschlüssel) an die dort zuständige Gemeinde geleitet.` },
    };
  }
  return {
    form: { ...form, routing: { organisation: organisationId } },
    decision: {
      organisation: organisationId,
      message: `Die Leistung „${serviceId}“ ist gemeindlich und das Formular hat kein Feld für den Gemeindeschlüssel: Anträge gehen an die importierende Gemeinde ${organisationId} (routing.organisation), nicht an den Landkreis.`,
    },
  };
}
