DROP TABLE round_drafts;
DROP TABLE round_inputs;
