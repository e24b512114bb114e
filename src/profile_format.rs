//! (placeholder: owned by the profile_format work stream)
