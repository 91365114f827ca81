run tests/lang/facts/open_truth.norma --facts tests/lang/facts/open_truth.d --output /tmp --output-preds bda
