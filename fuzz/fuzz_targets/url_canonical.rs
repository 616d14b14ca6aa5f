#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| talkwire_fuzz::url_canonical(data));
