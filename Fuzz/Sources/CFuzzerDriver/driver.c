// The header declares what libFuzzer defines; this file only makes the target a C target.
