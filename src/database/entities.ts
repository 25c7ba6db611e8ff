import { CitizenAccountEntity } from '../account/entities/citizen-account.entity.js';
import { CatalogFile } from '../catalog/entities/catalog-file.entity.js';
import { CatalogGenerationEntity } from '../catalog/entities/catalog-generation.entity.js';
import { CatalogSyncRun } from '../catalog/entities/catalog-sync-run.entity.js';
import { CodeListEntity } from '../catalog/entities/code-list.entity.js';
import { MunicipalOverrideEntity } from '../catalog/entities/municipal-override.entity.js';
import { OrganisationEntity } from '../catalog/entities/organisation.entity.js';
import { ServiceAreaEntity } from '../catalog/entities/service-area.entity.js';
import { ServicePointEntity } from '../catalog/entities/service-point.entity.js';
import { ServiceVersionEntity } from '../catalog/entities/service-version.entity.js';
import { ServiceEntity } from '../catalog/entities/service.entity.js';
import { RateLimitBucketEntity } from '../common/rate-limit/rate-limit-bucket.entity.js';
import { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import { FormDraftEntity } from '../submissions/entities/form-draft.entity.js';
import { IdempotencyKeyEntity } from '../submissions/entities/idempotency-key.entity.js';
import { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { SubmissionEventEntity } from '../processing/entities/submission-event.entity.js';
import { WebhookDeliveryEntity } from '../delivery/entities/webhook-delivery.entity.js';
import { WebhookSubscriptionEntity } from '../delivery/entities/webhook-subscription.entity.js';
import { PlatformInstance } from '../system/platform-instance.entity.js';
import { SubmissionExportEntity } from '../xoev/entities/submission-export.entity.js';
import { ImportRunEntity } from '../interop/entities/import-run.entity.js';
import { CaseRetentionEntity } from '../archive/entities/case-retention.entity.js';
import { ArchiveOfferEntity } from '../archive/entities/archive-offer.entity.js';
import { DeletionRecordEntity } from '../archive/entities/deletion-record.entity.js';
import { ImportedEntryEntity } from '../interop/entities/imported-entry.entity.js';
import { AttachmentEntity } from '../attachments/entities/attachment.entity.js';
import { AttachmentBlobEntity } from '../attachments/entities/attachment-blob.entity.js';
import { AttachmentChunkEntity } from '../attachments/entities/attachment-chunk.entity.js';
import { DocumentRequestEntity } from '../attachments/entities/document-request.entity.js';
import { CaseDocumentEntity } from '../attachments/entities/case-document.entity.js';
import { DeliveryDestinationEntity } from '../fitconnect/entities/delivery-destination.entity.js';
import { FitConnectDeliveryEntity } from '../fitconnect/entities/fit-connect-delivery.entity.js';
import { FitConnectEventEntity } from '../fitconnect/entities/fit-connect-event.entity.js';

/** Every entity of the application, listed explicitly (no folder scanning at runtime). */
export const ENTITIES = [
  PlatformInstance,
  CatalogFile,
  CatalogSyncRun,
  CatalogGenerationEntity,
  ServiceAreaEntity,
  OrganisationEntity,
  ServiceEntity,
  ServiceVersionEntity,
  ServicePointEntity,
  CodeListEntity,
  MunicipalOverrideEntity,
  FormVersionEntity,
  SubmissionEntity,
  IdempotencyKeyEntity,
  FormDraftEntity,
  RateLimitBucketEntity,
  SubmissionEventEntity,
  WebhookSubscriptionEntity,
  WebhookDeliveryEntity,
  SubmissionExportEntity,
  ImportRunEntity,
  ImportedEntryEntity,
  CaseRetentionEntity,
  ArchiveOfferEntity,
  DeletionRecordEntity,
  AttachmentBlobEntity,
  AttachmentChunkEntity,
  AttachmentEntity,
  DocumentRequestEntity,
  CaseDocumentEntity,
  CitizenAccountEntity,
  DeliveryDestinationEntity,
  FitConnectDeliveryEntity,
  FitConnectEventEntity,
];
