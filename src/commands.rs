//! (placeholder: commands are wired once config and profile_format land)
