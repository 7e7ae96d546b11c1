//! Recognising raw Danish CPR numbers (SPEC §4). Inputs must already be
//! pseudonymised; an id that looks like a CPR number is refused before it can
//! reach a report. The modulus-11 check is deliberately not used: numbers
//! without it have been issued since 2007, so it proves nothing either way.

/// Whether `value` looks like a raw CPR number: `DDMMYY`, an optional `-`,
/// then four digits or digit-letter-letter-digit (eCPR); also nine digits that
/// become one with a leading zero (a CPR number read as an integer). The day
/// may be raised by 60 (replacement numbers).
pub fn looks_like_cpr(value: &str) -> bool {
    let bytes = value.as_bytes();
    match bytes.len() {
        9 if bytes.iter().all(u8::is_ascii_digit) => {
            let mut padded = [b'0'; 10];
            padded[1..].copy_from_slice(bytes);
            date_part(&padded[..6]) && serial_part(&padded[6..])
        }
        10 => date_part(&bytes[..6]) && serial_part(&bytes[6..]),
        11 if bytes[6] == b'-' => date_part(&bytes[..6]) && serial_part(&bytes[7..]),
        _ => false,
    }
}

/// `DDMMYY` forming a real date in some century (day + 60 allowed).
fn date_part(bytes: &[u8]) -> bool {
    if !bytes.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let two = |i: usize| u32::from(bytes[i] - b'0') * 10 + u32::from(bytes[i + 1] - b'0');
    let (mut day, month, year) = (two(0), two(2), two(4));
    if day > 60 {
        day -= 60;
    }
    // The century comes from the serial digit, so 29 February is valid when
    // any century makes the year a leap year: every year divisible by 4 (2000 was).
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

/// Four digits, or digit-letter-letter-digit (the health sector's eCPR).
fn serial_part(bytes: &[u8]) -> bool {
    bytes.len() == 4
        && (bytes.iter().all(u8::is_ascii_digit)
            || (bytes[0].is_ascii_digit()
                && bytes[1].is_ascii_alphabetic()
                && bytes[2].is_ascii_alphabetic()
                && bytes[3].is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::looks_like_cpr;

    #[test]
    fn plain_and_dashed_numbers() {
        assert!(looks_like_cpr("0101901234"));
        assert!(looks_like_cpr("010190-1234"));
        assert!(looks_like_cpr("311299-0001"));
    }

    #[test]
    fn replacement_numbers_add_60_to_the_day() {
        assert!(looks_like_cpr("6101901234"));
        assert!(looks_like_cpr("910190-1234"));
        assert!(!looks_like_cpr("9201901234"), "day 92 - 60 = 32 is no day");
    }

    #[test]
    fn ecpr_has_letters_in_the_serial() {
        assert!(looks_like_cpr("010190-1AB2"));
        assert!(looks_like_cpr("0101901xy2"));
        assert!(!looks_like_cpr("010190-AB12"));
    }

    #[test]
    fn nine_digits_lost_their_leading_zero() {
        assert!(looks_like_cpr("101901234"), "0101901234 read as an integer");
        assert!(!looks_like_cpr("991901234"), "099190 is no date");
    }

    #[test]
    fn invalid_dates_are_not_cpr() {
        assert!(!looks_like_cpr("3202901234"), "32 February");
        assert!(looks_like_cpr("3004901234"), "30 April exists");
        assert!(!looks_like_cpr("3104901234"), "31 April");
        assert!(!looks_like_cpr("0113901234"), "month 13");
        assert!(!looks_like_cpr("0001901234"), "day 0");
        assert!(looks_like_cpr("2902001234"), "29 Feb 2000");
        assert!(!looks_like_cpr("2902011234"), "no 29 Feb in 01");
    }

    #[test]
    fn pseudonyms_and_family_ids_are_not_cpr() {
        assert!(!looks_like_cpr("9f86d081884c7d65"));
        assert!(!looks_like_cpr("0101901234abcdef"));
        assert!(!looks_like_cpr("F000123"));
        assert!(!looks_like_cpr("F0000123"));
        assert!(!looks_like_cpr("12345678"));
        assert!(!looks_like_cpr("01019012345"));
        assert!(!looks_like_cpr("010190 1234"));
    }
}
