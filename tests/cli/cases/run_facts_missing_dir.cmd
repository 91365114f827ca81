run tests/lang/facts/open_truth.norma --facts tests/lang/facts/no-such.d
