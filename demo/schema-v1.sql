-- Version 1 of the operations system: what "Customer 1" runs.
CREATE TABLE subscribers (id serial PRIMARY KEY, name text NOT NULL, suspended boolean NOT NULL DEFAULT false);
CREATE TABLE sessions (id serial PRIMARY KEY, subscriber_id int REFERENCES subscribers, region text NOT NULL,
                       started_at timestamptz NOT NULL DEFAULT now(), ended_at timestamptz);
CREATE TABLE alarms (id serial PRIMARY KEY, severity text NOT NULL, raised_at timestamptz NOT NULL DEFAULT now(),
                     cleared_at timestamptz);
INSERT INTO subscribers (name, suspended) SELECT 'subscriber ' || i, i % 17 = 0 FROM generate_series(1, 500) i;
INSERT INTO sessions (subscriber_id, region, ended_at)
    SELECT 1 + i % 500, (ARRAY['north', 'south', 'east'])[1 + i % 3], CASE WHEN i % 4 = 0 THEN now() END
    FROM generate_series(1, 1200) i;
INSERT INTO alarms (severity, cleared_at)
    SELECT (ARRAY['critical', 'major', 'minor'])[1 + i % 3], CASE WHEN i % 2 = 0 THEN now() END
    FROM generate_series(1, 40) i;
