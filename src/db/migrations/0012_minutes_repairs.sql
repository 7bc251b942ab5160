-- artifacts.repairs: what was repaired in the language model's answer a minutes version was
-- written from (issue 18, minutes/minutes_repair.hpp) — a JSON array of
-- {"path", "action", "reason"?, "from"?, "to"?}, '[]' when nothing was (and for versions
-- written before, by the extractive generator or by a person).
ALTER TABLE artifacts ADD COLUMN repairs TEXT NOT NULL DEFAULT '[]';
