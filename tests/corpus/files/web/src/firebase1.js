const firebaseConfig = {
  apiKey: "AIzap4mUdfUJuNmpsENj1pchlp4zT6_iwMkWsyd",
  authDomain: "app-1.firebaseapp.com",
  projectId: "app-1",
};
