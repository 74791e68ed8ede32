CREATE TABLE "task_count" (
	"user_id" text PRIMARY KEY NOT NULL,
	"total" integer NOT NULL,
	"completed" integer NOT NULL
);
--> statement-breakpoint
-- Hand-written from here: triggers that keep task_count true on every write path, as
-- task_tag's do (drizzle/0001), then the backfill. Rows are touched in user_id order, and
-- these triggers sort before task_tag's, so concurrent transactions lock in one order.
CREATE FUNCTION task_count_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO task_count AS c (user_id, total, completed)
      SELECT user_id, count(*), count(*) FILTER (WHERE completed) FROM new_rows GROUP BY 1 ORDER BY 1
      ON CONFLICT (user_id) DO UPDATE SET total = c.total + excluded.total, completed = c.completed + excluded.completed;
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    INSERT INTO task_count AS c (user_id, total, completed)
      SELECT user_id, -count(*), -count(*) FILTER (WHERE completed) FROM old_rows GROUP BY 1 ORDER BY 1
      ON CONFLICT (user_id) DO UPDATE SET total = c.total + excluded.total, completed = c.completed + excluded.completed;
    DELETE FROM task_count WHERE total <= 0 AND user_id IN (SELECT DISTINCT user_id FROM old_rows);
  ELSE
    INSERT INTO task_count AS c (user_id, total, completed)
      SELECT user_id, sum(n), sum(done) FROM (
        SELECT user_id, 1 AS n, completed::int AS done FROM new_rows
        UNION ALL
        SELECT user_id, -1 AS n, -(completed::int) AS done FROM old_rows
      ) AS changes
      GROUP BY 1 HAVING sum(n) <> 0 OR sum(done) <> 0 ORDER BY 1
      ON CONFLICT (user_id) DO UPDATE SET total = c.total + excluded.total, completed = c.completed + excluded.completed;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER task_count_insert AFTER INSERT ON task REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_count_sync();
--> statement-breakpoint
CREATE TRIGGER task_count_update AFTER UPDATE ON task REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_count_sync();
--> statement-breakpoint
CREATE TRIGGER task_count_delete AFTER DELETE ON task REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION task_count_sync();
--> statement-breakpoint
INSERT INTO task_count (user_id, total, completed) SELECT user_id, count(*), count(*) FILTER (WHERE completed) FROM task GROUP BY 1;
