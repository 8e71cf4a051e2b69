//! Organiser passwords: argon2id hashes, and the rule for a new password.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::TryRng;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// Checks a new password: long enough to resist guessing, not absurdly long.
pub fn check_new(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(format!(
            "The password must be at least {MIN_LENGTH} characters long"
        ));
    }
    if length > MAX_LENGTH {
        return Err(format!(
            "The password must be {MAX_LENGTH} characters or fewer"
        ));
    }
    Ok(())
}

/// Checks a new password typed twice on a console form (`new_password` and
/// `confirm_password`), adding what is wrong to `errors`: the same rule as
/// `unmentoring organiser add`.
pub fn check_typed_twice(new: &str, again: &str, errors: &mut crate::domain::FieldErrors) {
    if new.is_empty() {
        errors.add("new_password", "Enter a new password");
    } else if let Err(problem) = check_new(new) {
        errors.add("new_password", problem);
    } else if new != again {
        errors.add(
            "confirm_password",
            "The two passwords are different. Type the same password twice",
        );
    }
}

/// An argon2id hash in PHC string form, with a fresh random salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    rand::rngs::SysRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| anyhow::anyhow!("no randomness for a salt: {e}"))?;
    let salt = SaltString::encode_b64(&bytes)
        .map_err(|e| anyhow::anyhow!("could not make a salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("could not hash a password: {e}"))
}

/// Whether `password` matches `stored`. With no stored hash (an unknown
/// address) a dummy hash is checked anyway, so both take the same time.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("not a real password at all").unwrap_or_default());
    let Ok(parsed) = PasswordHash::new(stored.unwrap_or(dummy)) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery staple", Some(&h)));
        assert!(!verify("wrong horse battery staple", Some(&h)));
        assert!(!verify("not a real password at all", None));
        assert_ne!(
            hash("same password here").unwrap(),
            hash("same password here").unwrap()
        );
    }

    #[test]
    fn new_passwords_must_be_long_enough() {
        assert!(check_new("short").is_err());
        assert!(check_new("twelve chars").is_ok());
        assert!(check_new(&"x".repeat(129)).is_err());
    }
}
