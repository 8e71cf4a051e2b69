// Mirrors the migrations in `migrations/`. Kept by hand; a test checks that
// every table here matches the migrated database.

diesel::table! {
    participants (id) {
        id -> BigInt,
        status -> Text,
        name -> Text,
        email -> Nullable<Text>,
        email_key -> Nullable<Text>,
        phone -> Nullable<Text>,
        organisation -> Text,
        google_id -> Nullable<Text>,
        skype -> Nullable<Text>,
        topics -> Nullable<Text>,
        cadence -> Text,
        paused_until -> Nullable<Date>,
        consent_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        left_at -> Nullable<Timestamp>,
        last_round_at -> Nullable<Timestamp>,
        source -> Text,
        signup_email_at -> Nullable<Timestamp>,
        resumed_at -> Nullable<Timestamp>,
        availability -> Nullable<Text>,
        first_in_line -> Bool,
        share_phone -> Bool,
        unsubscribed_at -> Nullable<Timestamp>,
        last_seen_at -> Nullable<Timestamp>,
        still_interested_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tokens (token_hash) {
        token_hash -> Text,
        participant_id -> BigInt,
        purpose -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        group_member_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    pending_signups (token_hash) {
        token_hash -> Text,
        participant_id -> BigInt,
        name -> Text,
        phone -> Text,
        organisation -> Text,
        google_id -> Nullable<Text>,
        skype -> Nullable<Text>,
        topics -> Nullable<Text>,
        cadence -> Text,
        created_at -> Timestamp,
        availability -> Nullable<Text>,
        share_phone -> Bool,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        kind -> Text,
        participant_id -> Nullable<BigInt>,
        to_name -> Text,
        to_address -> Text,
        reply_to -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        message_id -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        round_id -> Nullable<BigInt>,
        envelope_id -> Nullable<Text>,
        calendar -> Nullable<Text>,
        draft -> Nullable<Text>,
        unsubscribe_token -> Nullable<Text>,
    }
}

diesel::table! {
    rounds (id) {
        id -> BigInt,
        round_key -> Text,
        trigger -> Text,
        seed -> BigInt,
        include_all -> Bool,
        odd_one_out -> Text,
        started_at -> Timestamp,
        people_due -> Integer,
        groups_count -> Integer,
        trios -> Integer,
        sat_out -> Integer,
        forced_repeats -> Integer,
        same_organisation_pairs -> Integer,
        sat_out_participant_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    group_members (id) {
        id -> BigInt,
        round_id -> BigInt,
        group_number -> Integer,
        participant_id -> BigInt,
        reminded_at -> Nullable<Timestamp>,
        left_at -> Nullable<Timestamp>,
        left_reason -> Nullable<Text>,
    }
}

diesel::table! {
    followup_answers (group_member_id) {
        group_member_id -> BigInt,
        met -> Text,
        no_reason -> Nullable<Text>,
        note -> Nullable<Text>,
        publish -> Bool,
        challenged -> Nullable<Integer>,
        answered_at -> Timestamp,
        updated_at -> Timestamp,
        met_at -> Nullable<Timestamp>,
        would_repeat -> Nullable<Bool>,
        new_connection -> Nullable<Bool>,
    }
}

diesel::table! {
    shared_links (id) {
        id -> BigInt,
        group_member_id -> BigInt,
        url -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organisers (id) {
        id -> BigInt,
        email -> Text,
        email_key -> Text,
        password_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    admin_sessions (id_hash) {
        id_hash -> Text,
        organiser_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        email_key -> Text,
        ip -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    meetings (id) {
        id -> BigInt,
        round_id -> BigInt,
        group_number -> Integer,
        room -> Nullable<Text>,
        arranged_at -> Nullable<Timestamp>,
        arranged_by -> Nullable<BigInt>,
        starts_at -> Nullable<Timestamp>,
        sequence -> Integer,
        nudged_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        arm -> Text,
    }
}

diesel::table! {
    rematch_requests (id) {
        id -> BigInt,
        round_id -> BigInt,
        member_id -> BigInt,
        participant_id -> BigInt,
        reason -> Text,
        from_group_number -> Integer,
        requested_at -> Timestamp,
        matched_at -> Nullable<Timestamp>,
        to_group_number -> Nullable<Integer>,
        gave_up_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    bounces (id) {
        id -> BigInt,
        participant_id -> BigInt,
        outbox_id -> Nullable<BigInt>,
        source -> Text,
        detail -> Text,
        bounced_at -> Timestamp,
        alerted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_changes (token_hash) {
        token_hash -> Text,
        participant_id -> BigInt,
        email -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    unsubscribe_links (token_hash) {
        token_hash -> Text,
        participant_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    never_pairs (id) {
        id -> BigInt,
        low_id -> BigInt,
        high_id -> BigInt,
        source -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    concerns (id) {
        id -> BigInt,
        reporter_id -> BigInt,
        about_id -> BigInt,
        round_id -> BigInt,
        concern -> Text,
        created_at -> Timestamp,
        dealt_with_at -> Nullable<Timestamp>,
        dealt_with_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    round_inputs (round_id) {
        round_id -> BigInt,
        inputs -> Text,
        drawn -> Text,
        edits -> Text,
    }
}

diesel::table! {
    round_drafts (id) {
        id -> BigInt,
        seed -> BigInt,
        include_all -> Bool,
        inputs -> Text,
        drawn -> Text,
        edits -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        round_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    organiser_invites (token_hash) {
        token_hash -> Text,
        email -> Text,
        email_key -> Text,
        invited_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    organisation_names (key) {
        key -> Text,
        shown -> Text,
        chosen_by -> Nullable<BigInt>,
        chosen_at -> Timestamp,
    }
}

diesel::joinable!(admin_sessions -> organisers (organiser_id));
diesel::joinable!(tokens -> participants (participant_id));
diesel::joinable!(outbox -> participants (participant_id));
diesel::joinable!(pending_signups -> participants (participant_id));
diesel::joinable!(pending_signups -> tokens (token_hash));
diesel::joinable!(group_members -> rounds (round_id));
diesel::joinable!(group_members -> participants (participant_id));
diesel::joinable!(followup_answers -> group_members (group_member_id));
diesel::joinable!(shared_links -> group_members (group_member_id));
diesel::joinable!(meetings -> rounds (round_id));
diesel::joinable!(rematch_requests -> group_members (member_id));
diesel::joinable!(rematch_requests -> participants (participant_id));
diesel::joinable!(bounces -> participants (participant_id));
diesel::joinable!(bounces -> outbox (outbox_id));
diesel::joinable!(email_changes -> participants (participant_id));
diesel::joinable!(email_changes -> tokens (token_hash));
diesel::joinable!(organiser_invites -> organisers (invited_by));
diesel::joinable!(organisation_names -> organisers (chosen_by));
diesel::joinable!(unsubscribe_links -> participants (participant_id));
diesel::joinable!(concerns -> rounds (round_id));
diesel::allow_tables_to_appear_in_same_query!(
    participants,
    tokens,
    pending_signups,
    outbox,
    rounds,
    group_members,
    followup_answers,
    shared_links,
    organisers,
    admin_sessions,
    login_failures,
    meetings,
    rematch_requests,
    bounces,
    email_changes,
    unsubscribe_links,
    never_pairs,
    concerns,
    round_inputs,
    round_drafts,
    organiser_invites,
    organisation_names
);
