test tests/cli/cases/test_update.norma --update; cat tests/cli/cases/test_update.pin; "$norma" test tests/cli/cases/test_update.norma --update; rm -f tests/cli/cases/test_update.pin
