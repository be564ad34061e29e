/* Floating point through the compiler and newlib: single precision in the FPv4-SP unit (hard-float)
 * or libgcc (soft-float), double precision always in libgcc (the M4 FPU is single precision only),
 * libm functions, conversions to and from integers, and printf of floats and doubles. */
#include <math.h>
#include <stdlib.h>
#include "check.h"

static const float angles[] = {0.0f, 0.5f, 1.0f, 2.0f, 3.14159265f, -1.25f, 10.0f};

int main(void) {
  for (unsigned i = 0; i < sizeof angles / sizeof angles[0]; i++) {
    float x = OPAQUE(angles[i]);
    printf("x=%.6f sinf=%.6f cosf=%.6f expf=%.6e atan2f=%.6f\n", (double)x, (double)sinf(x), (double)cosf(x),
           (double)expf(x), (double)atan2f(x, 1.5f));
  }
  float two = OPAQUE(2.0f);
  printf("sqrtf2: %.6f\n", (double)sqrtf(two));
  printf("logf10: %.6f\n", (double)logf(OPAQUE(10.0f)));
  printf("powf: %.6f\n", (double)powf(OPAQUE(1.5f), OPAQUE(7.25f)));
  printf("fmodf: %.6f\n", (double)fmodf(OPAQUE(10.75f), OPAQUE(3.0f)));
  printf("floorf/ceilf/roundf: %.1f %.1f %.1f\n", (double)floorf(OPAQUE(-2.5f)), (double)ceilf(OPAQUE(-2.5f)),
         (double)roundf(OPAQUE(-2.5f)));

  double d = OPAQUE(1.0) / OPAQUE(3.0);
  printf("third: %.17g\n", d);
  printf("sqrt2: %.15f\n", sqrt(OPAQUE(2.0)));
  printf("exp1: %.15f\n", exp(OPAQUE(1.0)));
  printf("pi: %.10f %e %g\n", 4.0 * atan(OPAQUE(1.0)), OPAQUE(6.02214076e23), OPAQUE(0.0001234));
  printf("double mul/add: %.6f\n", OPAQUE(123456.789) * OPAQUE(-0.001) + OPAQUE(1e-3));

  /* Conversions, including the saturating float->int the VCVT instruction and libgcc both define. */
  printf("f2i: %ld %ld %lu\n", (long)OPAQUE(-3.99f), (long)OPAQUE(2147483520.0f), (unsigned long)OPAQUE(4294967040.0f));
  printf("i2f: %.1f %.1f\n", (double)(float)OPAQUE(16777217), (double)(float)OPAQUE(-2147483647));
  printf("d2ll: %lld ll2d: %.1f\n", (long long)OPAQUE(-9.0071992547409920e15), (double)OPAQUE(9007199254740993ll));
  printf("f2d2f: %.9g\n", (double)(float)(OPAQUE(0.1) * 3.0));

  /* Specials as printf writes them. */
  float zero = OPAQUE(0.0f);
  printf("inf: %f %f nan: %f\n", (double)(1.0f / zero), (double)(-1.0f / zero), (double)(zero / zero) * 0.0);
  printf("strtod: %.6f %.3e\n", strtod("  -12.5e-1xyz", NULL), strtod("1e300", NULL) * 10.0);

  /* A numeric loop: a short Taylor series for sin compared with sinf. */
  float worst = 0.0f;
  for (int i = -20; i <= 20; i++) {
    float x = OPAQUE((float)i * 0.1f);
    float x2 = x * x, term = x, sum = x;
    for (int k = 1; k < 8; k++) {
      term *= -x2 / (float)((2 * k) * (2 * k + 1));
      sum += term;
    }
    float err = fabsf(sum - sinf(x));
    if (err > worst) worst = err;
  }
  printf("taylor ok: %d\n", worst < 1e-6f);
  CHECK(worst < 1e-6f);
  CHECK(fabs(sqrt(2.0) * sqrt(2.0) - 2.0) < 1e-15);
  return check_exit("float_math");
}
