DROP TABLE organisation_names;
DROP TABLE organiser_invites;
