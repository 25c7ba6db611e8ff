import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject } from '@nestjs/common';
import { RequirePermission } from '../common/auth/access.decorators.js';
import type { Principal } from '../common/auth/access.guard.js';
import { Permission } from '../common/auth/permission.js';
import { badUserInput, LotseError, notFound } from '../common/errors/lotse.error.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { checkWebhookUrl } from '../delivery/url-policy.js';
import { CasesService } from '../processing/cases.service.js';
import { Case } from '../processing/models/case.model.js';
import { DeliveryDestinationEntity } from './entities/delivery-destination.entity.js';
import { FitConnectDeliveryEntity } from './entities/fit-connect-delivery.entity.js';
import { FitConnectService } from './fit-connect.service.js';
import { DeliveryDestination, DeliveryDestinationCheck, DeliveryDestinationInput, DeliveryState, SubmissionDelivery } from './models.js';

const principal = (ctx: GraphQLContext): Principal => ctx.principal as Principal;
const ENV_NAME = /^[A-Z][A-Z0-9_]{0,99}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const toDelivery = (d: FitConnectDeliveryEntity): SubmissionDelivery => ({
  id: d.id,
  state: d.state as DeliveryState,
  fitConnectSubmissionId: d.fitConnectSubmissionId ?? null,
  caseId: d.caseId ?? null,
  attempts: d.attempts,
  lastError: d.lastError ?? null,
  updatedAt: d.updatedAt,
});

/** FIT-Connect: destinations (administrators), deliveries of a case and redelivery (supervisors). */
@Resolver(() => Case)
export class FitConnectResolver {
  constructor(
    private readonly em: EntityManager,
    private readonly service: FitConnectService,
    private readonly cases: CasesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private toDestination(d: DeliveryDestinationEntity): DeliveryDestination {
    const base = (this.config.publicBaseUrl ?? `http://${this.config.host}:${this.config.port}`).replace(/\/$/, '');
    return {
      id: d.id,
      organisationId: d.organisationId,
      serviceId: d.serviceKey === '*' ? null : d.serviceKey,
      destinationId: d.destinationId,
      submissionApiUrl: d.submissionApiUrl,
      tokenUrl: d.tokenUrl,
      clientId: d.clientId,
      clientSecretEnv: d.clientSecretEnv,
      callbackSecretEnv: d.callbackSecretEnv,
      callbackUrl: `${base}/callbacks/fit-connect/${d.id}`,
    };
  }

  private async assertOrganisation(ctx: GraphQLContext, organisationId: string): Promise<void> {
    if (!(await this.cases.visibleOrganisations(principal(ctx))).includes(organisationId)) throw notFound('Diese Organisation gibt es nicht oder sie gehört nicht zu Ihrer.');
  }

  private async checkUrl(value: string, argument: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw badUserInput(`${argument} ist keine gültige URL.`, { argument });
    }
    if (value.length > 2000 || url.username || url.password) throw badUserInput(`${argument} darf keine Zugangsdaten enthalten und höchstens 2000 Zeichen lang sein.`, { argument });
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.config.fitConnectAllowTestKeys)) {
      throw badUserInput(`${argument} muss eine https-Adresse sein (http nur mit FITCONNECT_ALLOW_TEST_KEYS außerhalb der Produktion).`, { argument });
    }
    let verdict;
    try {
      verdict = await checkWebhookUrl(url, { allowedHosts: this.config.webhookAllowedHosts });
    } catch {
      throw badUserInput(`Der Name „${url.hostname}“ lässt sich nicht auflösen.`, { argument });
    }
    if (!verdict.allowed) {
      throw new LotseError(ErrorCode.WEBHOOK_URL_FORBIDDEN, `${argument}: ${url.hostname} ist nicht erlaubt: ${verdict.reason} (${verdict.address}). Dienste im eigenen Netz trägt der Betrieb in WEBHOOK_ALLOWED_HOSTS ein.`, { argument });
    }
  }

  @RequirePermission(Permission.ADMINISTER)
  @Mutation(() => DeliveryDestination, { description: 'Sets where submissions of an organisation (and service) are delivered over FIT-Connect. Secrets are named by environment variable only.' })
  async setDeliveryDestination(@Context() ctx: GraphQLContext, @Args('input', { type: () => DeliveryDestinationInput }) input: DeliveryDestinationInput): Promise<DeliveryDestination> {
    await this.assertOrganisation(ctx, input.organisationId);
    if (!UUID.test(input.destinationId)) throw badUserInput('destinationId muss eine UUID sein.', { argument: 'destinationId' });
    for (const [name, value] of [['clientSecretEnv', input.clientSecretEnv], ['callbackSecretEnv', input.callbackSecretEnv]] as const) {
      if (!ENV_NAME.test(value)) throw badUserInput(`${name} muss der Name einer Umgebungsvariablen sein (Großbuchstaben, Ziffern, _), nie das Geheimnis selbst.`, { argument: name });
    }
    if (!input.clientId || input.clientId.length > 200) throw badUserInput('clientId muss 1 bis 200 Zeichen lang sein.', { argument: 'clientId' });
    if (input.serviceId !== undefined && input.serviceId !== null && !/^[A-Za-z0-9_.:-]{1,200}$/.test(input.serviceId)) throw badUserInput('serviceId ist ungültig.', { argument: 'serviceId' });
    await this.checkUrl(input.submissionApiUrl, 'submissionApiUrl');
    await this.checkUrl(input.tokenUrl, 'tokenUrl');
    const em = this.em.fork();
    const serviceKey = input.serviceId ?? '*';
    const fields = {
      destinationId: input.destinationId.toLowerCase(),
      submissionApiUrl: input.submissionApiUrl,
      tokenUrl: input.tokenUrl,
      clientId: input.clientId,
      clientSecretEnv: input.clientSecretEnv,
      callbackSecretEnv: input.callbackSecretEnv,
    };
    const existing = await em.findOne(DeliveryDestinationEntity, { organisationId: input.organisationId, serviceKey });
    const row = existing ? em.assign(existing, fields) : em.create(DeliveryDestinationEntity, { organisationId: input.organisationId, serviceKey, ...fields });
    await em.flush();
    return this.toDestination(row);
  }

  @RequirePermission(Permission.ADMINISTER)
  @Query(() => [DeliveryDestination])
  async deliveryDestinations(@Context() ctx: GraphQLContext, @Args('organisationId', { type: () => ID }) organisationId: string): Promise<DeliveryDestination[]> {
    await this.assertOrganisation(ctx, organisationId);
    return (await this.em.fork().find(DeliveryDestinationEntity, { organisationId }, { orderBy: { serviceKey: 'asc' } })).map((d) => this.toDestination(d));
  }

  @RequirePermission(Permission.ADMINISTER)
  @Query(() => DeliveryDestinationCheck, { description: 'Fetches token, destination and encryption key as a delivery would, and names every problem.' })
  async checkDeliveryDestination(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<DeliveryDestinationCheck> {
    const row = UUID.test(id) ? await this.em.fork().findOne(DeliveryDestinationEntity, { id }) : null;
    if (!row || !(await this.cases.visibleOrganisations(principal(ctx))).includes(row.organisationId)) throw notFound();
    const result = await this.service.check(row);
    return { ok: result.ok, encryptionKid: result.encryptionKid ?? null, keyBits: result.keyBits ?? null, problems: result.problems };
  }

  @RequirePermission(Permission.ARCHIVE_MANAGE)
  @Mutation(() => [SubmissionDelivery], { description: 'Queues the FIT-Connect delivery of a submission again (supervisors); a delivery already submitted is never sent twice.' })
  async redeliverSubmission(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<SubmissionDelivery[]> {
    const submission = await this.cases.entity(principal(ctx), id);
    return (await this.service.redeliver(this.em.fork(), submission)).map(toDelivery);
  }

  @ResolveField(() => [SubmissionDelivery], { description: 'FIT-Connect deliveries of this submission.' })
  async deliveries(@Parent() c: Case): Promise<SubmissionDelivery[]> {
    return (await this.em.fork().find(FitConnectDeliveryEntity, { submissionId: c.id }, { orderBy: { createdAt: 'asc' } })).map(toDelivery);
  }
}
