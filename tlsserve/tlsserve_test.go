package tlsserve

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// pair makes a self-signed certificate for name and its key as PEM.
func pair(t *testing.T, name string) (certPEM, keyPEM []byte, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		DNSNames: []string{name}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalPKCS8PrivateKey(key)
	cert, _ = x509.ParseCertificate(der)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), cert
}

// replace writes body to a temporary file beside path and renames it over path, as a
// renewal tool does.
func replace(t *testing.T, path string, body []byte) {
	t.Helper()
	tmp := path + ".new"
	if err := os.WriteFile(tmp, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// served is the leaf the server's TLS config hands a client now. The once-a-second look
// at the files is made due first, so the test need not wait a second.
func served(t *testing.T, s *Server) *x509.Certificate {
	t.Helper()
	s.files.mu.Lock()
	s.files.checked = time.Time{}
	s.files.mu.Unlock()
	c, err := s.TLSConfig().GetCertificate(&tls.ClientHelloInfo{ServerName: "shop.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return leaf
}

// TestOperatorFilesReload: replaced files are served at the next look; a half-done or
// broken replacement (a certificate that does not match the key, missing files) keeps
// the last good certificate; files that were never good are an error at start.
func TestOperatorFilesReload(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	certA, keyA, a := pair(t, "shop.example.com")
	replace(t, certFile, certA)
	replace(t, keyFile, keyA)
	s, err := New(Config{CertFile: certFile, KeyFile: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	if got := served(t, s); !got.Equal(a) {
		t.Fatalf("served %v, want the first certificate", got.SerialNumber)
	}

	certB, keyB, b := pair(t, "shop.example.com")
	replace(t, certFile, certB) // the key is still A's: not a pair yet
	if got := served(t, s); !got.Equal(a) {
		t.Errorf("with a certificate that does not match the key: served %v, want the last good one", got.SerialNumber)
	}
	replace(t, keyFile, keyB)
	if got := served(t, s); !got.Equal(b) {
		t.Errorf("after the renewal: served %v, want the new certificate", got.SerialNumber)
	}

	replace(t, certFile, []byte("not PEM"))
	if got := served(t, s); !got.Equal(b) {
		t.Errorf("with a broken certificate file: served %v, want the last good one", got.SerialNumber)
	}
	os.Remove(certFile)
	os.Remove(keyFile)
	if got := served(t, s); !got.Equal(b) {
		t.Errorf("with the files gone: served %v, want the last good one", got.SerialNumber)
	}

	if _, err := New(Config{CertFile: certFile, KeyFile: keyFile}); err == nil ||
		err.Error() != "TLS certificate: stat "+certFile+": no such file or directory\nstat "+keyFile+": no such file or directory" {
		t.Errorf("start without the files: %v", err)
	}
}
