fmt tests/lang/fmt/messy.norma
