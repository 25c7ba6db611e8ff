import { Global, Module } from '@nestjs/common';
import { EventPublisher } from './event-publisher.service.js';
import { QueueService } from './queue.service.js';
import { WebhooksResolver } from './webhooks.resolver.js';
import { WebhooksService } from './webhooks.service.js';

@Global()
@Module({ providers: [QueueService, EventPublisher, WebhooksService, WebhooksResolver], exports: [EventPublisher, QueueService] })
export class DeliveryModule {}
