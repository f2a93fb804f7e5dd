-- Version 2 of the operations system: sessions carry a state instead of an end time ("Customer 2").
CREATE TABLE subscribers (id serial PRIMARY KEY, name text NOT NULL, status text NOT NULL DEFAULT 'active');
CREATE TABLE sessions (id serial PRIMARY KEY, subscriber_id int REFERENCES subscribers, region text NOT NULL,
                       state text NOT NULL, started_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE alarms (id serial PRIMARY KEY, severity text NOT NULL, raised_at timestamptz NOT NULL DEFAULT now(),
                     cleared_at timestamptz);
INSERT INTO subscribers (name, status)
    SELECT 'subscriber ' || i, CASE WHEN i % 13 = 0 THEN 'suspended' ELSE 'active' END FROM generate_series(1, 800) i;
INSERT INTO sessions (subscriber_id, region, state)
    SELECT 1 + i % 800, (ARRAY['north', 'south'])[1 + i % 2], CASE WHEN i % 5 = 0 THEN 'closed' ELSE 'active' END
    FROM generate_series(1, 2000) i;
INSERT INTO alarms (severity, cleared_at)
    SELECT (ARRAY['critical', 'major'])[1 + i % 2], CASE WHEN i % 3 = 0 THEN now() END FROM generate_series(1, 25) i;
