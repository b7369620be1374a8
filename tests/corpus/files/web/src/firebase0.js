const firebaseConfig = {
  apiKey: "AIzaL2Urql1U1l8sDSQh06PcLakDxLSJNSTQLel",
  authDomain: "app-0.firebaseapp.com",
  projectId: "app-0",
};
