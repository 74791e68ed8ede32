ALTER TABLE "task" ADD COLUMN "create_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "task_user_create_key_idx" ON "task" USING btree ("user_id","create_key") WHERE create_key is not null;