run tests/lang/facts/open_truth.norma --facts tests/lang/facts/open_truth.d --query "bad(v)" --query "illegal(v2)" --verdicts - --no-explain
