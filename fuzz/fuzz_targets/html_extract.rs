#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| talkwire_fuzz::html_extract(data));
