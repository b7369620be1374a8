const firebaseConfig = {
  apiKey: "AIzakhzyXvrBFbrcJSR6aAr5e17DwktzffsNrB_",
  authDomain: "app-8.firebaseapp.com",
  projectId: "app-8",
};
