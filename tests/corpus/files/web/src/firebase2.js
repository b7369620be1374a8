const firebaseConfig = {
  apiKey: "AIzaGqy818k3A5G4S-Ky9y5pyPgfELaIkBfhfDa",
  authDomain: "app-2.firebaseapp.com",
  projectId: "app-2",
};
