-- 0008: logging out of the dashboard ends every session of that person, on every browser,
-- copied cookies included: a session cookie issued before `at` is refused from then on.

CREATE TABLE web_logouts (
    user_id INTEGER PRIMARY KEY,
    at REAL NOT NULL
);
