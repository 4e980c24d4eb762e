//! The one schema of both backends, in portable types (see migrations/sqlite and migrations/postgres).

diesel::table! {
    platform (id) {
        id -> Integer,
        set_up_at -> Timestamp,
    }
}

diesel::table! {
    cities (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        tagline -> Text,
        created_at -> Timestamp,
        languages -> Text,
        season_starts_on -> Nullable<Date>,
        season_ends_on -> Nullable<Date>,
        brand_primary -> Text,
        brand_secondary -> Text,
        logo_mime -> Nullable<Text>,
        logo_data -> Nullable<Binary>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        email -> Nullable<Text>,
        display_name -> Text,
        password_hash -> Text,
        kind -> Text,
        birth_date -> Nullable<Date>,
        status -> Text,
        is_operator -> Bool,
        locale -> Nullable<Text>,
        created_at -> Timestamp,
        recipient_identifier -> Nullable<Text>,
        notifications_off -> Bool,
        show_name -> Bool,
        email_verified_at -> Nullable<Timestamp>,
        neighborhood_id -> Nullable<BigInt>,
        family_digest_off -> Bool,
        family_digest_sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    city_members (id) {
        id -> BigInt,
        city_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    parent_links (id) {
        id -> BigInt,
        parent_id -> BigInt,
        youth_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organizations (id) {
        id -> BigInt,
        city_id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        website -> Text,
        created_at -> Timestamp,
        next_status_index -> BigInt,
        kind -> Text,
        address -> Text,
        neighborhood_id -> Nullable<BigInt>,
        contact_email -> Text,
        status -> Text,
        decision_message -> Text,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        applied_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    org_members (id) {
        id -> BigInt,
        org_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        created_at -> Timestamp,
        digest_sent_on -> Nullable<Date>,
    }
}

diesel::table! {
    activities (id) {
        id -> BigInt,
        city_id -> BigInt,
        org_id -> BigInt,
        title -> Text,
        description -> Text,
        location -> Text,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        created_at -> Timestamp,
        category_id -> Nullable<BigInt>,
        neighborhood_id -> Nullable<BigInt>,
        age_min -> Nullable<Integer>,
        age_max -> Nullable<Integer>,
        weekdays -> Integer,
        time_from -> Text,
        time_to -> Text,
        online -> Bool,
        cost_cents -> Integer,
        capacity -> Nullable<Integer>,
        registration_url -> Text,
        image_mime -> Nullable<Text>,
        image_data -> Nullable<Binary>,
        accessibility -> Text,
        languages -> Text,
        status -> Text,
        original_locale -> Text,
        search_text -> Text,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> BigInt,
        org_id -> BigInt,
        key -> Text,
        request_digest -> Text,
        award_public_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    badges (id) {
        id -> BigInt,
        city_id -> BigInt,
        org_id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        criteria -> Text,
        image_mime -> Text,
        image_data -> Binary,
        created_at -> Timestamp,
        valid_days -> Nullable<Integer>,
        badge_type -> Text,
        earned_by -> Text,
        tags -> Text,
        design -> Nullable<Text>,
        original_locale -> Text,
        version -> Integer,
        updated_at -> Nullable<Timestamp>,
        rubric -> Text,
    }
}

diesel::table! {
    claim_codes (id) {
        id -> BigInt,
        city_id -> BigInt,
        badge_id -> BigInt,
        code -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        redeemed_by -> Nullable<BigInt>,
        redeemed_at -> Nullable<Timestamp>,
        batch_id -> Nullable<BigInt>,
        uses -> Integer,
    }
}

diesel::table! {
    claim_batches (id) {
        id -> BigInt,
        city_id -> BigInt,
        badge_id -> BigInt,
        kind -> Text,
        use_limit -> Nullable<Integer>,
        valid_from -> Nullable<Timestamp>,
        valid_until -> Nullable<Timestamp>,
        activity_id -> Nullable<BigInt>,
        session_on -> Nullable<Date>,
        site -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    claim_redemptions (id) {
        id -> BigInt,
        code_id -> BigInt,
        youth_id -> BigInt,
        award_public_id -> Text,
        address -> Text,
        redeemed_at -> Timestamp,
    }
}

diesel::table! {
    awards (id) {
        id -> BigInt,
        public_id -> Text,
        city_id -> BigInt,
        org_id -> BigInt,
        badge_id -> BigInt,
        recipient_id -> BigInt,
        method -> Text,
        claim_code_id -> Nullable<BigInt>,
        awarded_at -> Timestamp,
        credential -> Nullable<Text>,
        salt -> Nullable<Text>,
        status_index -> Nullable<BigInt>,
        revoked_at -> Nullable<Timestamp>,
        revocation_reason -> Nullable<Text>,
        recipient_identifier -> Nullable<Text>,
        badge_version -> Nullable<Integer>,
        evidence -> Nullable<Text>,
    }
}

diesel::table! {
    pathways (id) {
        id -> BigInt,
        city_id -> BigInt,
        org_id -> BigInt,
        badge_id -> BigInt,
        rule -> Text,
        required -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    pathway_badges (id) {
        id -> BigInt,
        pathway_id -> BigInt,
        badge_id -> BigInt,
    }
}

diesel::table! {
    submissions (id) {
        id -> BigInt,
        public_id -> Text,
        city_id -> BigInt,
        org_id -> BigInt,
        badge_id -> BigInt,
        youth_id -> BigInt,
        status -> Text,
        reflection -> Text,
        links -> Text,
        evidence_public -> Bool,
        rubric_met -> Text,
        feedback -> Text,
        held_by -> Nullable<BigInt>,
        held_until -> Nullable<Timestamp>,
        award_public_id -> Nullable<Text>,
        created_at -> Timestamp,
        submitted_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    submission_files (id) {
        id -> BigInt,
        submission_id -> BigInt,
        position -> Integer,
        storage_key -> Text,
        content_type -> Text,
        file_name -> Text,
        bytes -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    submission_events (id) {
        id -> BigInt,
        submission_id -> BigInt,
        action -> Text,
        actor_id -> Nullable<BigInt>,
        feedback -> Text,
        turnaround_seconds -> Nullable<BigInt>,
        at -> Timestamp,
    }
}

diesel::table! {
    issuer_keys (id) {
        id -> BigInt,
        city_id -> BigInt,
        issuer -> Text,
        key_number -> Integer,
        public_key -> Binary,
        secret_nonce -> Binary,
        secret_sealed -> Binary,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    signature_log (id) {
        id -> BigInt,
        request_id -> Text,
        city_id -> BigInt,
        issuer -> Text,
        key_number -> Integer,
        subject -> Text,
        recipient -> Text,
        digest -> Text,
        signed_document -> Text,
        signed_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        org_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        actor_name -> Text,
        city_id -> Nullable<BigInt>,
        org_id -> Nullable<BigInt>,
        action -> Text,
        target -> Text,
        address -> Text,
        detail -> Text,
    }
}

diesel::table! {
    org_invitations (id) {
        id -> BigInt,
        city_id -> BigInt,
        org_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        invited_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    neighborhoods (id) {
        id -> BigInt,
        city_id -> BigInt,
        slug -> Text,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    categories (id) {
        id -> BigInt,
        city_id -> BigInt,
        slug -> Text,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    email_invitations (id) {
        id -> BigInt,
        token_hash -> Text,
        city_id -> BigInt,
        org_id -> Nullable<BigInt>,
        role -> Text,
        email -> Text,
        invited_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<BigInt>,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    activity_translations (id) {
        id -> BigInt,
        activity_id -> BigInt,
        locale -> Text,
        title -> Text,
        description -> Text,
    }
}

diesel::table! {
    activity_badges (id) {
        id -> BigInt,
        activity_id -> BigInt,
        badge_id -> BigInt,
    }
}

diesel::table! {
    badge_alignments (id) {
        id -> BigInt,
        badge_id -> BigInt,
        name -> Text,
        url -> Text,
        framework -> Text,
        position -> Integer,
    }
}

diesel::table! {
    badge_translations (id) {
        id -> BigInt,
        badge_id -> BigInt,
        locale -> Text,
        name -> Text,
        description -> Text,
        criteria -> Text,
    }
}

diesel::table! {
    badge_versions (id) {
        id -> BigInt,
        badge_id -> BigInt,
        version -> Integer,
        snapshot -> Text,
        image_mime -> Text,
        image_data -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        message_id -> Text,
        city_id -> Nullable<BigInt>,
        kind -> Text,
        to_address -> Text,
        locale -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        created_at -> Timestamp,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Text,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    consent_requests (id) {
        id -> BigInt,
        youth_id -> BigInt,
        city_id -> BigInt,
        parent_email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_sent_at -> Timestamp,
        sends -> Integer,
        reminders_sent -> Integer,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    consent_links (id) {
        id -> BigInt,
        request_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    parental_consents (id) {
        id -> BigInt,
        youth_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        method -> Text,
        text_version -> Text,
        locale -> Text,
        consented_at -> Timestamp,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        email -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    link_codes (id) {
        id -> BigInt,
        youth_id -> BigInt,
        code_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        used_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    custody_handoffs (id) {
        id -> BigInt,
        youth_id -> BigInt,
        city_id -> BigInt,
        requested_at -> Timestamp,
        guardians_follow -> Bool,
        new_email -> Nullable<Text>,
        new_password_hash -> Nullable<Text>,
        outcome -> Text,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    city_oidc_providers (city_id) {
        city_id -> BigInt,
        display_name -> Text,
        issuer_url -> Text,
        client_id -> Text,
        secret_nonce -> Binary,
        secret_sealed -> Binary,
        staff_must_use -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    custody_reissues (id) {
        id -> BigInt,
        handoff_id -> BigInt,
        old_award_id -> BigInt,
        new_award_id -> BigInt,
    }
}

diesel::table! {
    oidc_identities (id) {
        id -> BigInt,
        issuer -> Text,
        subject -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
    }
}

diesel::table! {
    oidc_logins (state_hash) {
        state_hash -> Text,
        provider -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        next -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    dash_youth_weeks (id) {
        id -> BigInt,
        city_id -> BigInt,
        week_on -> Date,
        org_id -> BigInt,
        category_id -> BigInt,
        youth_id -> BigInt,
        neighborhood_id -> Nullable<BigInt>,
        birth_date -> Nullable<Date>,
        awards -> BigInt,
    }
}

diesel::table! {
    dash_badge_weeks (id) {
        id -> BigInt,
        city_id -> BigInt,
        week_on -> Date,
        badge_id -> BigInt,
        org_id -> BigInt,
        category_id -> BigInt,
        activity_id -> BigInt,
        awards -> BigInt,
        pathway_awards -> BigInt,
    }
}

diesel::table! {
    dash_versions (city_id) {
        city_id -> BigInt,
        version -> BigInt,
    }
}

diesel::table! {
    dash_member_days (city_id, joined_on, neighborhood_id) {
        city_id -> BigInt,
        joined_on -> Date,
        neighborhood_id -> BigInt,
        youth -> BigInt,
    }
}

diesel::table! {
    dash_members (city_id, youth_id) {
        city_id -> BigInt,
        youth_id -> BigInt,
        joined_at -> Timestamp,
        neighborhood_id -> Nullable<BigInt>,
        birth_date -> Nullable<Date>,
    }
}

diesel::table! {
    dash_seasons (city_id) {
        city_id -> BigInt,
        first_week -> Date,
        last_week -> Date,
    }
}

diesel::table! {
    dash_season_youth (id) {
        id -> BigInt,
        city_id -> BigInt,
        whole -> Bool,
        week_on -> Date,
        prev_week -> Date,
        prev_week2 -> Date,
        prev_week3 -> Date,
        org_id -> BigInt,
        category_id -> BigInt,
        neighborhood_id -> BigInt,
        age_band -> Text,
        youth -> BigInt,
        awards -> BigInt,
        retained -> BigInt,
    }
}

diesel::table! {
    dash_season_badges (id) {
        id -> BigInt,
        city_id -> BigInt,
        whole -> Bool,
        week_on -> Date,
        badge_id -> BigInt,
        neighborhood_id -> BigInt,
        age_band -> Text,
        org_id -> BigInt,
        category_id -> BigInt,
        activity_id -> BigInt,
        awards -> BigInt,
        pathway_awards -> BigInt,
    }
}

diesel::joinable!(consent_requests -> users (youth_id));
diesel::joinable!(consent_links -> consent_requests (request_id));
diesel::joinable!(account_tokens -> users (user_id));
diesel::joinable!(award_display_approvals -> awards (award_id));
diesel::joinable!(city_members -> cities (city_id));
diesel::joinable!(city_members -> users (user_id));
diesel::joinable!(organizations -> cities (city_id));
diesel::joinable!(org_members -> organizations (org_id));
diesel::joinable!(org_members -> users (user_id));
diesel::joinable!(activities -> organizations (org_id));
diesel::joinable!(badges -> organizations (org_id));
diesel::joinable!(claim_codes -> badges (badge_id));
diesel::joinable!(claim_codes -> claim_batches (batch_id));
diesel::joinable!(claim_batches -> activities (activity_id));
diesel::joinable!(claim_redemptions -> claim_codes (code_id));
diesel::joinable!(awards -> badges (badge_id));
diesel::joinable!(submissions -> badges (badge_id));
diesel::joinable!(pathway_badges -> pathways (pathway_id));
diesel::joinable!(pathway_badges -> badges (badge_id));
diesel::joinable!(submissions -> organizations (org_id));
diesel::joinable!(submission_files -> submissions (submission_id));
diesel::joinable!(submission_events -> submissions (submission_id));
diesel::joinable!(awards -> users (recipient_id));
diesel::joinable!(awards -> organizations (org_id));
diesel::joinable!(api_tokens -> organizations (org_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(oidc_identities -> users (user_id));
diesel::joinable!(city_oidc_providers -> cities (city_id));
diesel::joinable!(org_invitations -> organizations (org_id));
diesel::joinable!(neighborhoods -> cities (city_id));
diesel::joinable!(categories -> cities (city_id));
diesel::joinable!(activity_translations -> activities (activity_id));
diesel::joinable!(activity_badges -> activities (activity_id));
diesel::joinable!(activity_badges -> badges (badge_id));
diesel::joinable!(badge_alignments -> badges (badge_id));
diesel::joinable!(badge_translations -> badges (badge_id));
diesel::joinable!(badge_versions -> badges (badge_id));

diesel::table! {
    award_display_approvals (award_id) {
        award_id -> BigInt,
        approved_by -> Nullable<BigInt>,
        approved_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    platform,
    custody_handoffs,
    custody_reissues,
    city_oidc_providers,
    oidc_identities,
    oidc_logins,
    consent_requests,
    consent_links,
    parental_consents,
    account_tokens,
    link_codes,
    claim_batches,
    claim_redemptions,
    pathways,
    pathway_badges,
    submissions,
    submission_files,
    submission_events,
    cities,
    idempotency_keys,
    users,
    city_members,
    parent_links,
    organizations,
    org_members,
    activities,
    badges,
    claim_codes,
    awards,
    api_tokens,
    sessions,
    issuer_keys,
    signature_log,
    audit_events,
    org_invitations,
    neighborhoods,
    categories,
    email_invitations,
    activity_translations,
    activity_badges,
    badge_alignments,
    badge_translations,
    badge_versions,
    outbox,
    award_display_approvals,
    dash_youth_weeks,
    dash_badge_weeks,
    dash_versions,
    dash_member_days,
    dash_members,
    dash_seasons,
    dash_season_youth,
    dash_season_badges,
);
