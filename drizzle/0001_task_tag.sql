CREATE TABLE "task_tag" (
	"user_id" text NOT NULL,
	"tag" text NOT NULL,
	"tasks" integer NOT NULL,
	CONSTRAINT "task_tag_user_id_tag_pk" PRIMARY KEY("user_id","tag")
);
--> statement-breakpoint
-- Hand-written from here: triggers that keep task_tag true on every write path (pages, API,
-- complete-all, recurrence, the cascade from deleting a user), then the backfill. They are
-- per statement with transition tables, so a bulk change moves each tag once, and rows are
-- upserted in (user_id, tag) order, so two transactions cannot deadlock on them.
CREATE FUNCTION task_tag_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO task_tag AS t (user_id, tag, tasks)
      SELECT user_id, tag, count(*) FROM new_rows, unnest(tags) AS tag GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (user_id, tag) DO UPDATE SET tasks = t.tasks + excluded.tasks;
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    INSERT INTO task_tag AS t (user_id, tag, tasks)
      SELECT user_id, tag, -count(*) FROM old_rows, unnest(tags) AS tag GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (user_id, tag) DO UPDATE SET tasks = t.tasks + excluded.tasks;
  ELSE
    INSERT INTO task_tag AS t (user_id, tag, tasks)
      SELECT user_id, tag, sum(n) FROM (
        SELECT user_id, unnest(tags) AS tag, 1 AS n FROM new_rows
        UNION ALL
        SELECT user_id, unnest(tags) AS tag, -1 AS n FROM old_rows
      ) AS changes
      GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2
      ON CONFLICT (user_id, tag) DO UPDATE SET tasks = t.tasks + excluded.tasks;
  END IF;
  DELETE FROM task_tag WHERE tasks <= 0 AND user_id IN (SELECT DISTINCT user_id FROM old_rows);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER task_tag_insert AFTER INSERT ON task REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_tag_sync();
--> statement-breakpoint
CREATE TRIGGER task_tag_update AFTER UPDATE ON task REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_tag_sync();
--> statement-breakpoint
CREATE TRIGGER task_tag_delete AFTER DELETE ON task REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION task_tag_sync();
--> statement-breakpoint
INSERT INTO task_tag (user_id, tag, tasks) SELECT user_id, tag, count(*) FROM task, unnest(tags) AS tag GROUP BY 1, 2;
