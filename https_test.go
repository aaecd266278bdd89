package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shopauth/internal/testkit"
)

// selfSigned writes a self-signed certificate for names (DNS names or IPs) and its key.
func selfSigned(t *testing.T, dir, prefix string, names ...string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile = filepath.Join(dir, prefix+"cert.pem"), filepath.Join(dir, prefix+"key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ = x509.ParseCertificate(der)
	return certFile, keyFile, cert
}

// httpsClient talks to addr as if it were host, trusting roots only; no redirects.
func httpsClient(addr, host string, roots *x509.CertPool) *http.Client {
	dial := func(network, _ string) (net.Conn, error) { return net.Dial(network, addr) }
	return &http.Client{
		Transport:     &http.Transport{Dial: dial, DialTLS: nil, TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: host}, ForceAttemptHTTP2: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// servedCert returns the leaf certificate addr serves for host, verified against roots.
func servedCert(t *testing.T, addr, host string, roots *x509.CertPool) *x509.Certificate {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{ServerName: host, RootCAs: roots})
	if err != nil {
		t.Fatalf("TLS to %s as %s: %v", addr, host, err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0]
}

// checkHTTPS checks what HTTPS serves: the API, HSTS, a Secure session cookie; and that
// the plain-HTTP port redirects to HTTPS.
func checkHTTPS(t *testing.T, client *http.Client, base, plainAddr, wantLocation string) {
	t.Helper()
	res, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Strict-Transport-Security") != "max-age=31536000" || res.ProtoMajor != 2 {
		t.Errorf("healthz over HTTPS: %d %s HSTS %q", res.StatusCode, res.Proto, res.Header.Get("Strict-Transport-Security"))
	}
	tok := func() string {
		res, err := client.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"mutation{generateCustomerToken(email:\"customer@example.com\",password:\"Password123\"){token}}"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct {
			Data struct{ GenerateCustomerToken struct{ Token string } }
		}
		json.NewDecoder(res.Body).Decode(&out)
		return out.Data.GenerateCustomerToken.Token
	}()
	req, _ := http.NewRequest("POST", base+"/graphql", strings.NewReader(`{"query":"{customer{email}}"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(body) != `{"data":{"customer":{"email":"customer@example.com"}}}`+"\n" {
		t.Errorf("customer over HTTPS: %s", body)
	}
	secure := false
	for _, c := range res.Cookies() {
		if c.Name == "PHPSESSID" {
			secure = c.Secure && c.HttpOnly
		}
	}
	if !secure {
		t.Errorf("session cookie not Secure and HttpOnly: %q", res.Header.Values("Set-Cookie"))
	}

	plain := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for method, code := range map[string]int{"GET": 301, "POST": 308} {
		req, _ := http.NewRequest(method, "http://"+plainAddr+"/graphql?query=%7Bx%7D", nil)
		req.Host = "evil.example.net" // never redirected to a name that is not ours
		res, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != code || res.Header.Get("Location") != wantLocation+"/graphql?query=%7Bx%7D" {
			t.Errorf("plain HTTP %s: %d Location %q", method, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

// TestHTTPSWithPebble runs `serve --https shop.example.com` against pebble, a real ACME
// server, on loopback: pebble validates HTTP-01 on shopauth's plain-HTTP port (its
// TLS-ALPN-01 port is one nobody listens on, so only HTTP-01 can pass), pebble's
// challenge test server answers DNS with 127.0.0.1. Then the certificate chains to
// pebble's root, HTTPS serves with HSTS and Secure cookies, HTTP redirects; after a
// restart with pebble gone, the same certificate comes from the cache.
func TestHTTPSWithPebble(t *testing.T) {
	pebble := testkit.Tool(t, "pebble", "pebble")
	challsrv := testkit.Tool(t, "pebble-challtestsrv", "pebble")
	dir := t.TempDir()
	// pebble's own API is HTTPS: a certificate for it, which shopauth trusts through
	// SSL_CERT_FILE (Go reads it on Linux).
	apiCert, apiKey, _ := selfSigned(t, dir, "pebble-api-", "127.0.0.1", "localhost")
	dnsPort, apiPort, mgmtPort, httpPort, alpnPort, httpsPort := testkit.FreePort(t), testkit.FreePort(t), testkit.FreePort(t), testkit.FreePort(t), testkit.FreePort(t), testkit.FreePort(t)
	conf, _ := json.Marshal(map[string]any{"pebble": map[string]any{
		"listenAddress": "127.0.0.1:" + apiPort, "managementListenAddress": "127.0.0.1:" + mgmtPort,
		"certificate": apiCert, "privateKey": apiKey, "httpPort": atoi(httpPort), "tlsPort": atoi(alpnPort),
		"ocspResponderURL": "", "externalAccountBindingRequired": false}})
	confFile := filepath.Join(dir, "pebble.json")
	os.WriteFile(confFile, conf, 0o600)

	_, csDone, _ := runProc(t, nil, challsrv, "-dns01", "127.0.0.1:"+dnsPort, "-http01", "", "-https01", "", "-tlsalpn01", "",
		"-management", "127.0.0.1:"+testkit.FreePort(t), "-defaultIPv6", "")
	// Real validation, without pebble's random 0-15 s pause before it; no nonce rejects.
	pOut, pDone, stopPebble := runProc(t, []string{"PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0"}, pebble,
		"-config", confFile, "-dnsserver", "127.0.0.1:"+dnsPort, "-strict=false")
	pOut.waitFor(t, pDone, "Listening on: 127.0.0.1:"+apiPort)
	select {
	case <-csDone:
		t.Fatal("pebble-challtestsrv exited")
	default:
	}

	dbf := filepath.Join(dir, "shopauth.db")
	if _, err := cli(t, "customer:create", "--db", dbf, "--email", "customer@example.com", "--password", "Password123",
		"--firstname", "John", "--lastname", "Smith"); err != nil {
		t.Fatal(err)
	}
	httpsAddr, plainAddr := "127.0.0.1:"+httpsPort, "127.0.0.1:"+httpPort
	args := []string{"serve", "--db", dbf, "--https", "shop.example.com", "--addr", httpsAddr, "--http-addr", plainAddr,
		"--acme-directory", "https://127.0.0.1:" + apiPort + "/dir", "--acme-email", "ops@example.com", "--quiet"}
	env := []string{"SSL_CERT_FILE=" + apiCert, "SHOPAUTH_INSECURE_FAST_HASH=1"}
	bin := binary(t)
	start := time.Now()
	out, done, stop := runProc(t, env, bin, args...)
	out.waitFor(t, done, "shopauth dev listening on https://"+httpsAddr+"\n")
	out.waitFor(t, done, `"msg":"certificate ready","host":"shop.example.com"`)
	t.Logf("first certificate from pebble %v after start", time.Since(start).Round(time.Millisecond))
	if !strings.Contains(out.String(), "shopauth: plain HTTP on "+plainAddr+" answers ACME challenges and redirects to HTTPS\n") {
		t.Errorf("no plain-HTTP line:\n%s", out)
	}

	// pebble's root for this run, from its management API.
	mgmt := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: poolOf(t, apiCert)}}}
	res, err := mgmt.Get("https://127.0.0.1:" + mgmtPort + "/roots/0")
	if err != nil {
		t.Fatal(err)
	}
	rootPEM, _ := io.ReadAll(res.Body)
	res.Body.Close()
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(rootPEM) {
		t.Fatalf("pebble root: %s", rootPEM)
	}
	leaf := servedCert(t, httpsAddr, "shop.example.com", roots)
	if leaf.DNSNames[0] != "shop.example.com" {
		t.Errorf("certificate for %v", leaf.DNSNames)
	}
	if _, err := tls.Dial("tcp", httpsAddr, &tls.Config{ServerName: "other.example.com", RootCAs: roots}); err == nil {
		t.Error("a certificate for a name not given to --https")
	}
	base := "https://shop.example.com:" + httpsPort
	checkHTTPS(t, httpsClient(httpsAddr, "shop.example.com", roots), base, plainAddr, base)
	if fi, err := os.Stat(filepath.Join(dir, "certs")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("certificate cache beside the database: %v %v", fi, err)
	}

	// Restart without pebble: the certificate comes from the cache in certs/.
	stop()
	stopPebble()
	out, done, _ = runProc(t, env, binary(t), args...)
	out.waitFor(t, done, `"msg":"certificate ready","host":"shop.example.com"`)
	if again := servedCert(t, httpsAddr, "shop.example.com", roots); again.SerialNumber.Cmp(leaf.SerialNumber) != 0 {
		t.Errorf("after restart: serial %v, was %v", again.SerialNumber, leaf.SerialNumber)
	}
}

// TestHTTPSOperatorCertificate: --tls-cert/--tls-key serve the operator's certificate,
// with HSTS, Secure cookies and the redirect; bad flag pairs are usage errors.
func TestHTTPSOperatorCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, cert := selfSigned(t, dir, "", "shop.example.com")
	dbf := filepath.Join(dir, "shopauth.db")
	if _, err := cli(t, "customer:create", "--db", dbf, "--email", "customer@example.com", "--password", "Password123",
		"--firstname", "John", "--lastname", "Smith"); err != nil {
		t.Fatal(err)
	}
	httpsAddr, plainAddr := "127.0.0.1:"+testkit.FreePort(t), "127.0.0.1:"+testkit.FreePort(t)
	out, done, _ := runProc(t, []string{"SHOPAUTH_INSECURE_FAST_HASH=1"}, binary(t), "serve", "--db", dbf, "--tls-cert", certFile,
		"--tls-key", keyFile, "--addr", httpsAddr, "--http-addr", plainAddr, "--quiet")
	out.waitFor(t, done, "listening on https://"+httpsAddr+"\n")
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	if got := servedCert(t, httpsAddr, "shop.example.com", roots); !got.Equal(cert) {
		t.Error("not the operator's certificate")
	}
	_, port, _ := net.SplitHostPort(httpsAddr)
	checkHTTPS(t, httpsClient(httpsAddr, "shop.example.com", roots), "https://shop.example.com:"+port, plainAddr,
		"https://evil.example.net:"+port) // no --https names: the request's host, as given
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--tls-cert", certFile}, "shopauth: serve: --tls-cert and --tls-key go together\n"},
		{[]string{"--https", "shop.example.com", "--tls-cert", certFile, "--tls-key", keyFile}, "shopauth: serve: --https and --tls-cert/--tls-key exclude each other\n"},
		{[]string{"--https", "shop.example.com", "--http-addr", "nonsense"}, `shopauth: serve: bad --http-addr "nonsense": address nonsense: missing port in address` + "\n"},
		{[]string{"--tls-cert", keyFile, "--tls-key", keyFile}, "shopauth: serve: TLS certificate: tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched\n"},
	} {
		if _, stderr, code := runBinary(t, append([]string{"serve", "--db", dbf}, tc.args...)...); code != 2 || stderr != tc.want {
			t.Errorf("%v: status %d %q, want status 2 %q", tc.args, code, stderr, tc.want)
		}
	}
}

func poolOf(t *testing.T, pemFile string) *x509.CertPool {
	b, err := os.ReadFile(pemFile)
	if err != nil {
		t.Fatal(err)
	}
	p := x509.NewCertPool()
	p.AppendCertsFromPEM(b)
	return p
}

func atoi(s string) int { var n int; fmt.Sscan(s, &n); return n }

// TestHTTPSOperatorCertificateReload runs the binary with --tls-cert/--tls-key, replaces
// both files as a renewal does (a new file renamed over each), and polls real TLS
// handshakes until the new certificate is served, without a restart; then a client
// that trusts only the new certificate gets its answer.
func TestHTTPSOperatorCertificateReload(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	dir := t.TempDir()
	certFile, keyFile, old := selfSigned(t, dir, "", "shop.example.com")
	httpsAddr := "127.0.0.1:" + testkit.FreePort(t)
	out, done, _ := runProc(t, nil, binary(t), "serve", "--db", testDB(t, dir, "s.db"), "--tls-cert", certFile, "--tls-key", keyFile,
		"--addr", httpsAddr, "--http-addr", "off", "--quiet")
	out.waitFor(t, done, "listening on https://"+httpsAddr+"\n")
	roots := x509.NewCertPool()
	roots.AddCert(old)
	if got := servedCert(t, httpsAddr, "shop.example.com", roots); !got.Equal(old) {
		t.Fatal("not the operator's certificate")
	}

	newCert, newKey, renewed := selfSigned(t, dir, "renewed-", "shop.example.com")
	for _, f := range [][2]string{{newKey, keyFile}, {newCert, certFile}} {
		if err := os.Rename(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	roots.AddCert(renewed)
	// The server looks at the files at most once a second: a minute means it never will.
	var got *x509.Certificate
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if got = servedCert(t, httpsAddr, "shop.example.com", roots); got.Equal(renewed) {
			break
		}
		if !got.Equal(old) {
			t.Fatalf("served neither certificate: %v", got.Subject)
		}
	}
	if !got.Equal(renewed) {
		t.Fatalf("still the old certificate a minute after the files were replaced:\n%s", out)
	}
	// Only the renewed one is trusted now: a client that knows only it gets through.
	only := x509.NewCertPool()
	only.AddCert(renewed)
	res, err := httpsClient(httpsAddr, "shop.example.com", only).Get("https://shop.example.com/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("healthz with the renewed certificate: %d", res.StatusCode)
	}
	select {
	case <-done:
		t.Fatalf("the server exited:\n%s", out)
	default:
	}
}
