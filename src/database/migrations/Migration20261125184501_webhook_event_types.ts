import { Migration } from '@mikro-orm/migrations';

export class Migration20261125184501_webhook_event_types extends Migration {

  override name = 'Migration20261125184501_webhook_event_types';

  override up(): void | Promise<void> {
    this.addSql(`alter table "webhook_subscription" add "event_types" text[] null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "webhook_subscription" drop column "event_types";`);
  }

}
