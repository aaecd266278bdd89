package auth

import (
	"strings"
	"testing"
)

func TestValidateSetting(t *testing.T) {
	for _, c := range []struct {
		path, value string
		ok          bool
	}{
		{PathCustomerTokenLifetime, "1", true},
		{PathCustomerTokenLifetime, "0.01", true},
		{PathCustomerTokenLifetime, ".5", true},
		{PathCustomerTokenLifetime, "87600", true},
		{PathCustomerTokenLifetime, "0", false},
		{PathCustomerTokenLifetime, "-1", false},
		{PathCustomerTokenLifetime, "abc", false},
		{PathCustomerTokenLifetime, "", false},
		{PathCustomerTokenLifetime, "0x1p-2", false},
		{PathCustomerTokenLifetime, "1e2", false},
		{PathCustomerTokenLifetime, "+Inf", false},
		{PathCustomerTokenLifetime, "NaN", false},
		{PathCustomerTokenLifetime, "1.2.3", false},
		{PathCustomerTokenLifetime, "87601", false},
		{PathLockoutFailures, "0", true},
		{PathLockoutFailures, "10", true},
		{PathLockoutFailures, "-3", false},
		{PathLockoutFailures, "1.5", false},
		{PathLockoutFailures, "+5", false},
		{PathLockoutFailures, "05", false},
		{PathLockoutFailures, " 5", false},
		{PathRequiredClasses, "5", false},
		{PathSessionDisable, "1", true},
		{PathSessionDisable, "true", false},
		{PathCryptKey, "old " + strings.Repeat("k", 32), true},
		{PathCryptKey, strings.Repeat("k", 32) + " new", false},
		{PathCryptKey, strings.Repeat("k", 31), false},
		{PathCryptKey, "  ", false},
		{"no/such/path", "1", false},
	} {
		if err := ValidateSetting(c.path, c.value); (err == nil) != c.ok {
			t.Errorf("%s = %q: err %v, want ok %v", c.path, c.value, err, c.ok)
		}
	}
}
