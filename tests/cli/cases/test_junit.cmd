test tests/cli/cases/test_junit.norma --lang en --junit tests/cli/test_junit.xml; cat tests/cli/test_junit.xml; rm -f tests/cli/test_junit.xml
