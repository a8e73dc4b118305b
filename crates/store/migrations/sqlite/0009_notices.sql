-- Notices (issue 6): each step of a claim, each short-weight incident and each listing held
-- back for low trust tells the people concerned. A notice keeps the message key and its
-- arguments, not the text, so each reader sees it in their own language.

CREATE TABLE notices (
    county_id    TEXT NOT NULL,
    notice_id    TEXT NOT NULL,
    -- Who is told (a villager without a log-in is told through their station's agent).
    person_id    TEXT NOT NULL,
    message_key  TEXT NOT NULL,
    -- The message's arguments, a JSON object of strings.
    args         TEXT NOT NULL,
    -- What it is about (claim, lot, listing) and the page that shows it.
    target_kind  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    path         TEXT NOT NULL,
    created_us   INTEGER NOT NULL,
    read_us      INTEGER,
    PRIMARY KEY (county_id, notice_id),
    FOREIGN KEY (county_id, person_id) REFERENCES people (county_id, person_id)
);
CREATE INDEX ix_notices_person ON notices (county_id, person_id, created_us);

-- Decided claims become final when their appeal window closes; the scheduled work finds them.
CREATE INDEX ix_claims_final ON claims (state, final_us);

-- The grade the hub finds when it takes a lot (the fourth agent fraud signal compares it with
-- the grade given at intake).
ALTER TABLE lot_events ADD COLUMN grade TEXT;
