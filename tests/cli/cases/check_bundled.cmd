check stdlib examples
