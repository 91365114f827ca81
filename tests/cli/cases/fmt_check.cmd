fmt --check tests/lang/fmt/canonical.norma tests/lang/fmt/messy.norma
